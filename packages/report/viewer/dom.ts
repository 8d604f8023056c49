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

/**
 * Scrolls `box` (not the window) so `item`, one of its descendants, is in view, centring it when
 * it was out of view. Leaves the box alone when the item is already visible.
 */
export function keepInView(box: HTMLElement, item: HTMLElement): void {
  const boxRect = box.getBoundingClientRect();
  const itemRect = item.getBoundingClientRect();
  const topPx = itemRect.top - boxRect.top + box.scrollTop;
  // One pixel of slack: layout is sub-pixel, and an item flush with the edge is in view.
  const visible = itemRect.top >= boxRect.top - 1 && itemRect.bottom <= boxRect.bottom + 1;
  if (visible || box.clientHeight === 0) return;
  box.scrollTop = Math.max(0, topPx - (box.clientHeight - Math.min(itemRect.height, box.clientHeight)) / 2);
}
