/** A tiny element builder: the page has a few panels, not enough to want a framework. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** `12.345 s` for a simulated instant. */
export function formatSeconds(atUs: number): string {
  return `${(atUs / 1e6).toFixed(3)} s`;
}
