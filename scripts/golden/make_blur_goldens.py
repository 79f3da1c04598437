#!/usr/bin/python3
"""Reference numbers for the blur filters' tests (__tests__/modalities/image/blur.test.ts).

Run with Debian's python3 (numpy 1.24, scipy 1.10):

    /usr/bin/python3 scripts/golden/make_blur_goldens.py

It prints the numbers that the test file holds as literals (copy them in when they change):
- scipy.ndimage's 1-D gaussian kernel (order 0, truncate 4.0) for a few sigmas, read back through
  gaussian_filter1d of a unit impulse (the kernel reversed, and it is symmetric);
- scipy.ndimage.gaussian_filter of a tiny 4 x 5 float32 array, modes 'reflect' (scipy's default) and
  'nearest' (skimage.filters.gaussian's default), and of a 2 x 3 array with sigma 2 (a kernel wider than
  the image, so reflection repeats);
- scipy.ndimage.correlate of the same array with a 3 x 3 kernel, modes 'reflect' and 'mirror' (OpenCV's
  BORDER_REFLECT_101, cv2.filter2D's default);
- bethgelab/imagecorruptions' _motion_blur (radius, sigma, angle), re-implemented here from its
  definition with numpy (a one-sided gaussian trail, shifted copies with edge replication), on a 5 x 6
  ramp, so the TypeScript shift and rounding conventions are checked against the original's.
Every float is printed with repr of float64 (float32 inputs promoted exactly).
"""
import math

import numpy as np
from scipy import ndimage


def show(name, array):
    flat = np.asarray(array, dtype=np.float64).ravel().tolist()
    print(f"{name} = [{', '.join(repr(v) for v in flat)}]")


def kernel_via_scipy(sigma):
    radius = int(4.0 * sigma + 0.5)
    impulse = np.zeros(2 * radius + 1, dtype=np.float64)
    impulse[radius] = 1.0
    return ndimage.gaussian_filter1d(impulse, sigma, mode="constant", cval=0.0, truncate=4.0)


def motion_blur(x, radius, sigma, angle):
    """imagecorruptions corruptions.py _motion_blur, from its definition."""
    width = radius * 2 + 1
    k = np.exp(-(np.arange(width) ** 2) / (2 * sigma ** 2)) / (np.sqrt(2 * np.pi) * sigma)
    k = k / np.sum(k)
    point = (width * np.sin(np.deg2rad(angle)), width * np.cos(np.deg2rad(angle)))
    hypot = math.hypot(point[0], point[1])
    h, w = x.shape
    out = np.zeros_like(x, dtype=np.float64)
    for i in range(width):
        dy = -math.ceil(((i * point[0]) / hypot) - 0.5)
        dx = -math.ceil(((i * point[1]) / hypot) - 0.5)
        if abs(dy) >= h or abs(dx) >= w:
            break
        rows = np.clip(np.arange(h) - dy, 0, h - 1)
        cols = np.clip(np.arange(w) - dx, 0, w - 1)
        out += k[i] * x[np.ix_(rows, cols)]
    return out


def main():
    for sigma in (0.5, 1.0, 1.5):
        show(f"kernel sigma {sigma}", kernel_via_scipy(sigma))

    tiny = np.array(
        [[0.1, 0.9, 0.3, 0.0, 0.5], [0.7, 0.2, 0.8, 0.4, 1.0], [0.0, 0.6, 0.25, 0.75, 0.35], [1.0, 0.05, 0.45, 0.55, 0.15]],
        dtype=np.float32,
    ).astype(np.float64)
    show("tiny", tiny)
    show("gaussian_filter sigma 1 reflect", ndimage.gaussian_filter(tiny, 1.0, mode="reflect", truncate=4.0))
    show("gaussian_filter sigma 0.7 nearest", ndimage.gaussian_filter(tiny, 0.7, mode="nearest", truncate=4.0))

    small = np.array([[0.0, 1.0, 0.5], [0.25, 0.75, 0.0]], dtype=np.float64)
    show("small", small)
    show("gaussian_filter small sigma 2 reflect", ndimage.gaussian_filter(small, 2.0, mode="reflect", truncate=4.0))

    kernel = np.array([[0.0, 0.1, 0.05], [0.2, 0.3, 0.1], [0.05, 0.1, 0.1]], dtype=np.float32).astype(np.float64)
    show("kernel3", kernel)
    show("correlate reflect", ndimage.correlate(tiny, kernel, mode="reflect"))
    show("correlate mirror", ndimage.correlate(tiny, kernel, mode="mirror"))

    ramp = (np.arange(30, dtype=np.float64).reshape(5, 6) ** 1.5) / (29 ** 1.5)
    show("ramp", ramp)
    show("motion radius 2 sigma 1 angle 30", motion_blur(ramp, 2, 1.0, 30.0))
    show("motion radius 3 sigma 2 angle -40", motion_blur(ramp, 3, 2.0, -40.0))


if __name__ == "__main__":
    main()
