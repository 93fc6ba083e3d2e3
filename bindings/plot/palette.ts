// How points look in every plot (the CLI's PNG/SVG plots, the spectrum grid, the explorer page): the
// categorical colours and the drawing order. No Node imports: the page bundles this file.

/** Tableau 10, the categorical palette: distinct hues of similar weight. */
export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/** Colour of category i: the palette, then golden-angle hues past its end. */
export function categoryColor(i: number): string {
  if (i < PALETTE.length) return PALETTE[i];
  const hue = (i * 137.508) % 360;
  return hslToHex(hue, 0.55, 0.5);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** A fixed shuffle of the drawing order, so that no class systematically covers another. */
export function shuffledOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let state = 0x9e3779b9;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Category names in legend order: numerically when every label is a number, else alphabetically (numbers in
 * names compared as numbers). */
export function sortCategories(labels: readonly string[]): string[] {
  const unique = [...new Set(labels)];
  if (unique.every((l) => l.trim() !== "" && Number.isFinite(Number(l)))) return unique.sort((a, b) => Number(a) - Number(b));
  return unique.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/** The categories of the labels in legend order, and each row's category index (all 0 without labels). */
export function categoriesOf(labels: readonly string[] | undefined, n: number): { categories: string[]; category: Int32Array } {
  const categories = labels ? sortCategories(labels) : [];
  const indexOf = new Map(categories.map((c, i) => [c, i]));
  const category = new Int32Array(n);
  if (labels) for (let i = 0; i < n; i++) category[i] = indexOf.get(labels[i])!;
  return { categories, category };
}
