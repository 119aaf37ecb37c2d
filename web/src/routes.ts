import type { MessageKey } from './i18n';

export interface ModuleRoute {
  path: string;
  nav: MessageKey;
  /** What the page will hold, for modules not built yet. */
  placeholder?: MessageKey;
}

/** The sidebar's modules, in order; `/` redirects to the first. */
export const MODULES: readonly ModuleRoute[] = [
  { path: '/params', nav: 'nav.params' },
  { path: '/insurance', nav: 'nav.insurance', placeholder: 'placeholder.insurance' },
  { path: '/drg', nav: 'nav.drg', placeholder: 'placeholder.drg' },
  { path: '/procurement', nav: 'nav.procurement', placeholder: 'placeholder.procurement' },
  { path: '/pricing', nav: 'nav.pricing', placeholder: 'placeholder.pricing' },
  { path: '/salary', nav: 'nav.salary', placeholder: 'placeholder.salary' },
  { path: '/network', nav: 'nav.network', placeholder: 'placeholder.network' },
  { path: '/indicators', nav: 'nav.indicators', placeholder: 'placeholder.indicators' },
  { path: '/lab', nav: 'nav.lab', placeholder: 'placeholder.lab' },
];
