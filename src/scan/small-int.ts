/**
 * The same number, as an integer V8 can hold unboxed where it fits (31 bits). A Stats field is
 * read as a boxed double; stored as such, it makes the field a double one, and every SeedFile then
 * holds a 16-byte box for its size, inode and device (~48 bytes a file). Stored as a small
 * integer, the field stays one, and so do the next files'.
 */
export const smallInt = (n: number): number =>
  n >= 0 && n <= 0x3fffffff && Math.floor(n) === n ? n | 0 : n;
