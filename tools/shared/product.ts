/**
 * The product as it ships, for the measurements: modules are loaded from dist/ (the benchmark's
 * npm script builds it first) and typed from src/. Run from source under tsx, every parse
 * worker would first load tsx and transform the sources, about 1 s more per cold build of a few
 * hundred files, which no user pays.
 */
const DIST = new URL('../../dist/', import.meta.url);

export function fromDist<T>(module: string): Promise<T> {
  return import(new URL(module, DIST).href) as Promise<T>;
}
