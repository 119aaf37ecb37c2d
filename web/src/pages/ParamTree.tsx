/** The parameter tree: dotted paths as nested collapsible groups, each leaf with its resolved value. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ResolvedParam } from '../api';
import { useLang } from '../lang';
import { ValueView } from '../ui';

interface TreeNode {
  /** The dotted prefix this node stands for. */
  key: string;
  name: string;
  children: TreeNode[];
  param?: ResolvedParam;
}

function buildTree(params: readonly ResolvedParam[]): TreeNode[] {
  const root: TreeNode = { key: '', name: '', children: [] };
  for (const p of params) {
    let node = root;
    for (const segment of p.path.split('.')) {
      const key = node.key ? `${node.key}.${segment}` : segment;
      let child = node.children.find((c) => c.key === key);
      if (!child) node.children.push((child = { key, name: segment, children: [] }));
      node = child;
    }
    node.param = p;
  }
  return root.children;
}

function groupKeys(nodes: readonly TreeNode[]): string[] {
  return nodes.flatMap((n) => (n.children.length ? [n.key, ...groupKeys(n.children)] : []));
}

function matches(p: ResolvedParam, needle: string): boolean {
  return [p.path, p.label.zh, p.label.en].some((s) => s.toLowerCase().includes(needle));
}

/** The nodes with a matching leaf below them, or all of them when there is no filter. */
function prune(nodes: readonly TreeNode[], needle: string): TreeNode[] {
  if (!needle) return [...nodes];
  return nodes.flatMap((n) => {
    const children = prune(n.children, needle);
    const param = n.param && matches(n.param, needle) ? n.param : undefined;
    return children.length || param ? [{ ...n, children, param }] : [];
  });
}

function countLeaves(nodes: readonly TreeNode[]): number {
  return nodes.reduce((sum, n) => sum + (n.param ? 1 : 0) + countLeaves(n.children), 0);
}

export function ParamTree({
  params,
  selected,
  onSelect,
}: {
  params: readonly ResolvedParam[];
  selected: string | null;
  onSelect: (path: string) => void;
}) {
  const { t } = useLang();
  const [filter, setFilter] = useState('');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const tree = useMemo(() => buildTree(params), [params]);
  const needle = filter.trim().toLowerCase();
  const shown = useMemo(() => prune(tree, needle), [tree, needle]);

  function toggle(key: string) {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }

  function renderNodes(nodes: readonly TreeNode[], depth: number) {
    return nodes.map((n) => {
      // A filter shows every match: collapsing applies only to the unfiltered tree.
      const open = needle !== '' || !collapsed.has(n.key);
      return (
        <li key={n.key}>
          {n.param && <Leaf param={n.param} depth={depth} selected={n.param.path === selected} onSelect={onSelect} />}
          {n.children.length > 0 && (
            <>
              <button type="button" className="tree-group" style={{ paddingLeft: `${depth * 14 + 6}px` }} aria-expanded={open} onClick={() => toggle(n.key)}>
                <span className="caret" aria-hidden="true">{open ? '▾' : '▸'}</span>
                <code>{n.name}</code>
              </button>
              {open && <ul>{renderNodes(n.children, depth + 1)}</ul>}
            </>
          )}
        </li>
      );
    });
  }

  return (
    <div className="tree-pane">
      <div className="tree-tools">
        <input
          type="search"
          className="filter"
          aria-label={t('params.filter')}
          placeholder={t('params.filterPlaceholder')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="param-filter"
        />
        <button type="button" className="link-button" onClick={() => setCollapsed(new Set())}>
          {t('params.expandAll')}
        </button>
        <button type="button" className="link-button" onClick={() => setCollapsed(new Set(groupKeys(tree)))}>
          {t('params.collapseAll')}
        </button>
      </div>
      <div className="tree-count muted">{t('params.count', { shown: countLeaves(shown), total: params.length })}</div>
      {params.length === 0 ? (
        <p className="muted">{t('params.empty')}</p>
      ) : shown.length === 0 ? (
        <p className="muted">{t('params.noMatch', { filter: filter.trim() })}</p>
      ) : (
        <ul className="tree" data-testid="param-tree">
          {renderNodes(shown, 0)}
        </ul>
      )}
    </div>
  );
}

function Leaf({ param, depth, selected, onSelect }: { param: ResolvedParam; depth: number; selected: boolean; onSelect: (path: string) => void }) {
  const { lang, t } = useLang();
  const basis = param.provenance?.reference.basis;
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' }); // a selection from the URL may be out of view
  }, [selected]);
  return (
    <button
      ref={ref}
      type="button"
      className={selected ? 'tree-leaf selected' : 'tree-leaf'}
      style={{ paddingLeft: `${depth * 14 + 20}px` }}
      title={`${param.label[lang]}\n${param.path}`}
      aria-current={selected ? 'true' : undefined}
      data-testid={`param-leaf:${param.path}`}
      onClick={() => onSelect(param.path)}
    >
      <span className={basis ? `basis-dot basis-${basis}` : 'basis-dot'} aria-hidden="true" />
      <span className="leaf-label">{param.label[lang]}</span>
      <span className="leaf-value">
        {param.value === null ? <span className="muted">{t('params.undefined')}</span> : <ValueView value={param.value} unit={param.unit} />}
      </span>
    </button>
  );
}
