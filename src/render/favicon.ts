/**
 * The site's icon, drawn here rather than shipped as a binary: a feed symbol (a dot and two
 * arcs) in white on a rounded square of the pages' accent colour, 32×32, as an ICO file with one
 * uncompressed 32-bit image, the form every reader's icon loader knows.
 */
const SIZE = 32;
const ACCENT = [0x0a, 0x66, 0xc2] as const;

type Pixel = 'clear' | 'accent' | 'white';

function pixelAt(x: number, y: number): Pixel {
  // Rounded corners: outside the quarter circles of radius 6 at each corner is transparent.
  const r = 6;
  const cx = Math.min(Math.max(x + 0.5, r), SIZE - r);
  const cy = Math.min(Math.max(y + 0.5, r), SIZE - r);
  if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r) return 'clear';
  // The feed symbol, centred on the lower-left: a dot, then two quarter rings.
  const d = Math.hypot(x + 0.5 - 8, y + 0.5 - 24);
  const inQuarter = x + 0.5 >= 6 && y + 0.5 <= 26;
  if (d <= 3.2) return 'white';
  if (inQuarter && ((d >= 8 && d <= 11) || (d >= 14.5 && d <= 17.5))) return 'white';
  return 'accent';
}

function bgra(p: Pixel): number[] {
  if (p === 'clear') return [0, 0, 0, 0];
  if (p === 'white') return [0xff, 0xff, 0xff, 0xff];
  return [ACCENT[2], ACCENT[1], ACCENT[0], 0xff];
}

export function faviconIco(): Uint8Array {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4; // 1 bit per pixel, rows padded to 4 bytes: all 0, alpha decides
  const image = 40 + pixels + mask;
  const out = new Uint8Array(6 + 16 + image);
  const view = new DataView(out.buffer);
  view.setUint16(2, 1, true); // type: icon
  view.setUint16(4, 1, true); // one image
  out[6] = SIZE;
  out[7] = SIZE;
  view.setUint16(10, 1, true); // planes
  view.setUint16(12, 32, true); // bits per pixel
  view.setUint32(14, image, true);
  view.setUint32(18, 22, true); // offset of the image
  view.setUint32(22, 40, true); // BITMAPINFOHEADER
  view.setInt32(26, SIZE, true);
  view.setInt32(30, SIZE * 2, true); // the colour rows and the mask's
  view.setUint16(34, 1, true);
  view.setUint16(36, 32, true);
  view.setUint32(42, pixels + mask, true);
  let at = 62;
  for (let y = SIZE - 1; y >= 0; y--)
    // bottom-up
    for (let x = 0; x < SIZE; x++) for (const b of bgra(pixelAt(x, y))) out[at++] = b;
  return out;
}
