/**
 * The room labels take on the canvas during one draw: a label is drawn only when its box does
 * not overlap one drawn before it, so a zoomed-out view shows fewer labels, not a smear of them.
 */
export class LabelSpace {
  private readonly boxes: { x0: number; y0: number; x1: number; y1: number }[] = [];

  /** Claims the box at (x, y) of `widthPx` × `heightPx` and says true, or says false when it is taken. */
  claim(x: number, y: number, widthPx: number, heightPx: number): boolean {
    const box = { x0: x, y0: y, x1: x + widthPx, y1: y + heightPx };
    for (const b of this.boxes) if (box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1) return false;
    this.boxes.push(box);
    return true;
  }
}
