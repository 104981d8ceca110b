// A tiny DOM builder: the dashboard renders with plain elements (no innerHTML, so no injection).

type Child = Node | string | number | null | undefined | false;
type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes?: Attributes, ...children: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, attributes?: Attributes, ...children: Child[]): HTMLElement;
export function el(tag: string, attributes: Attributes = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** A horizontal meter; the width is set through the CSSOM, which a strict style-src allows. */
export function bar(percent: number, className = 'bar'): HTMLElement {
  const fill = el('div', { class: 'bar-fill' });
  fill.style.width = `${Math.max(0, Math.min(100, percent))}%`;
  const level = percent >= 100 ? 'full' : percent >= 90 ? 'critical' : percent >= 80 ? 'warning' : 'ok';
  return el('div', { class: `${className} level-${level}`, role: 'meter', 'aria-valuenow': Math.round(percent * 10) / 10, 'aria-valuemin': 0, 'aria-valuemax': 100 }, fill);
}
