// Cost is a decimal the child reports (dollars, tokens): sums and differences are rounded to 12
// significant digits, so 0.2 + 0.2 + 0.2 is 0.6 in files, budgets and messages, not 0.6000000000000001.
const tidy = (x: number): number => Number(x.toPrecision(12));

export const addCost = (a: number, b: number): number => tidy(a + b);

export const costSince = (total: number, base: number): number => tidy(total - base);
