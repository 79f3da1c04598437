/**
 * RGB ↔ HSV over interleaved pixel arrays, as scikit-image's rgb2hsv / hsv2rgb compute them
 * (skimage/color/colorconv.py), which ImageNet-C's brightness and saturate use: H, S, V all in [0, 1].
 *
 * rgb2hsv: V = max(R, G, B); Δ = max − min; S = Δ / V (0 where Δ = 0); H from whichever channel is
 * the maximum, blue winning ties over green and green over red (skimage assigns red, then green,
 * then blue, each overwriting the last), H = 0 where Δ = 0.
 * hsv2rgb: the sextant hi = ⌊6H⌋ mod 6, f = 6H − ⌊6H⌋, p = V(1 − S), q = V(1 − fS), t = V(1 − (1 − f)S).
 * Arithmetic is in double precision per pixel (skimage works in float64); the arrays are float32.
 */

/** HSV of every pixel of interleaved RGB `rgb` (3 values a pixel), as a new interleaved array. */
export function rgbToHsv(rgb: Float32Array): Float32Array {
  const out = new Float32Array(rgb.length);
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    const v = Math.max(r, g, b);
    const delta = v - Math.min(r, g, b);
    let h = 0;
    let s = 0;
    if (delta > 0) {
      s = delta / v;
      if (b === v) h = 4 + (r - g) / delta;
      else if (g === v) h = 2 + (b - r) / delta;
      else h = (g - b) / delta;
      h /= 6;
      h -= Math.floor(h); // Python's % 1.0: into [0, 1) also for negative hues (red max, g < b)
    }
    out[i] = h;
    out[i + 1] = s;
    out[i + 2] = v;
  }
  return out;
}

/** RGB of every pixel of interleaved HSV `hsv`, as a new interleaved array (not clipped). */
export function hsvToRgb(hsv: Float32Array): Float32Array {
  const out = new Float32Array(hsv.length);
  for (let i = 0; i + 2 < hsv.length; i += 3) {
    const h6 = hsv[i]! * 6;
    const s = hsv[i + 1]!;
    const v = hsv[i + 2]!;
    const floor = Math.floor(h6);
    const f = h6 - floor;
    const p = v * (1 - s);
    const q = v * (1 - f * s);
    const t = v * (1 - (1 - f) * s);
    // No array destructuring here: it would allocate per pixel.
    const sextant = ((floor % 6) + 6) % 6;
    let r = v;
    let g = p;
    let b = q; // sextant 5
    if (sextant === 0) {
      g = t;
      b = p;
    } else if (sextant === 1) {
      r = q;
      g = v;
      b = p;
    } else if (sextant === 2) {
      r = p;
      g = v;
      b = t;
    } else if (sextant === 3) {
      r = p;
      g = q;
      b = v;
    } else if (sextant === 4) {
      r = t;
      g = p;
      b = v;
    }
    out[i] = r;
    out[i + 1] = g;
    out[i + 2] = b;
  }
  return out;
}
