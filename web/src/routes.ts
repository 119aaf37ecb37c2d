import type { MessageKey } from './i18n';

export interface ModuleRoute {
  path: string;
  nav: MessageKey;
  /** What the page will hold, for modules not built yet. */
  placeholder?: MessageKey;
  /** A dashboard page: the sidebar link keeps the filters (jurisdiction, year, institution). */
  dashboard?: boolean;
}

/** The sidebar's modules, in order; `/` redirects to the first. */
export const MODULES: readonly ModuleRoute[] = [
  { path: '/overview', nav: 'nav.overview', dashboard: true },
  { path: '/fund', nav: 'nav.fund', dashboard: true },
  { path: '/hospitals', nav: 'nav.hospitals', dashboard: true },
  { path: '/procurement', nav: 'nav.procurement', dashboard: true },
  { path: '/prices', nav: 'nav.prices', dashboard: true },
  { path: '/salary', nav: 'nav.salary', dashboard: true },
  { path: '/indicators', nav: 'nav.indicators', dashboard: true },
  { path: '/supervision', nav: 'nav.supervision', dashboard: true },
  { path: '/network', nav: 'nav.network', dashboard: true },
  { path: '/params', nav: 'nav.params' },
  { path: '/lab', nav: 'nav.lab', placeholder: 'placeholder.lab' },
];
