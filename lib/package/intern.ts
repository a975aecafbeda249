// Names shared by every package opened in the process: table, column and
// stream names and CLSIDs repeat from one package to the next, and a
// process that keeps many packages open should keep one copy of each
// rather than one per package (each copy is heap the garbage collector
// walks). Strings are immutable, so sharing them changes nothing a caller
// can see.

/** Names kept at most; past it, names are returned as they are (the table never grows further). */
const MAX_NAMES = 4096;
/** Longer strings are not names worth sharing. */
const MAX_LENGTH = 72;

const names = new Map<string, string>();

/** The process-wide copy of `name` (`name` itself the first time, or when the table is full or `name` is long). */
export function internName(name: string): string {
  if (name.length > MAX_LENGTH) return name;
  const known = names.get(name);
  if (known !== undefined) return known;
  if (names.size < MAX_NAMES) names.set(name, name);
  return name;
}
