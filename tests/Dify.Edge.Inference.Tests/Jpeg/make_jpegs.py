#!/usr/bin/env python3
"""Writes the JPEG test corpus for JpegDecoderTests into the folder given as argv[1].

For every case NAME: NAME.jpg, and (for decodable ones) NAME.rgb, PIL's own decode of that file as packed RGB.
manifest.json lists {name, width, height, expect} with expect "pixels", "notsupported" or "error".
Most files come from PIL (libjpeg-turbo); restart-marker files come from the small baseline encoder below,
because PIL cannot set a restart interval, and PIL still decodes them for the reference pixels.
"""
import io
import json
import os
import sys

import numpy as np
from PIL import Image

out = sys.argv[1]
manifest = []


def photo(width, height, seed):
    """Gradient + shapes + noise: edges and texture like a camera frame."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 255 * x / max(width - 1, 1)
    g = 255 * y / max(height - 1, 1)
    b = 128 + 100 * np.sin(x / 5.0) * np.cos(y / 7.0)
    img = np.stack([r, g, b], axis=-1)
    img[(x - width / 3) ** 2 + (y - height / 2) ** 2 < (min(width, height) / 4) ** 2] = [250, 30, 40]
    img += rng.normal(0, 12, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def add(name, data, expect="pixels"):
    with open(os.path.join(out, name + ".jpg"), "wb") as f:
        f.write(data)
    entry = {"name": name, "expect": expect, "width": 0, "height": 0}
    if expect == "pixels":
        decoded = Image.open(io.BytesIO(data))
        decoded.load()
        entry["width"], entry["height"] = decoded.size
        with open(os.path.join(out, name + ".rgb"), "wb") as f:
            f.write(decoded.convert("RGB").tobytes())
    manifest.append(entry)


def pil_jpeg(pixels, mode="RGB", **options):
    buffer = io.BytesIO()
    Image.fromarray(pixels).convert(mode).save(buffer, "JPEG", **options)
    return buffer.getvalue()


# --- quality x subsampling on a photo-like frame -------------------------------------------------
frame = photo(64, 48, 1)
for quality in (50, 90, 100):
    for sub, label in ((0, "444"), (1, "422"), (2, "420")):
        add(f"photo_q{quality}_{label}", pil_jpeg(frame, quality=quality, subsampling=sub))

# --- odd sizes (partial MCUs, 1- and 2-sample chroma rows that libjpeg upsamples by replication) ----
for w, h in ((17, 13), (1, 1), (33, 65), (2, 2), (3, 5), (5, 3), (31, 1), (1, 31)):
    for sub, label in ((0, "444"), (1, "422"), (2, "420")):
        add(f"odd_{w}x{h}_{label}", pil_jpeg(photo(w, h, w * 100 + h), quality=85, subsampling=sub))

# --- grayscale, optimized Huffman tables, EXIF segment (COM comes from the own encoder), 16-bit DQT (SOF1) -------------------
add("gray_33x65", pil_jpeg(photo(33, 65, 5), mode="L", quality=90))
add("gray_q100_64x48", pil_jpeg(frame, mode="L", quality=100))
add("optimized_420", pil_jpeg(frame, quality=75, subsampling=2, optimize=True))
exif = Image.Exif()
exif[0x0112] = 6  # orientation: rotate; the decoder ignores it, as does PIL's plain decode
add("exif_comment_420", pil_jpeg(frame, quality=80, subsampling=2, exif=exif.tobytes()))
add("dqt16_sof1_444", pil_jpeg(frame, quality=100, subsampling=0, qtables=[[300 + i for i in range(64)], [400] * 64]))
big = photo(1280, 720, 9)
add("photo_1280x720_420", pil_jpeg(big, quality=90, subsampling=2))

# --- Adobe APP14 with transform 0: the three components are RGB, not YCbCr -----------------------
def with_adobe_rgb(data):
    assert data[2:4] == b"\xff\xe0"  # JFIF APP0 first: drop it so Adobe's flag decides
    app0_length = int.from_bytes(data[4:6], "big")
    rest = data[4 + app0_length:]
    adobe = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x00"
    return data[:2] + adobe + rest


add("adobe_rgb_444", with_adobe_rgb(pil_jpeg(frame, quality=90, subsampling=0)))

# --- restart intervals, fill bytes: our own small baseline encoder --------------------------------
ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
          35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63]
LUMA_Q = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
          18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
DC_VALS = list(range(12))
AC_BITS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
AC_VALS = bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a"
    "434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aa"
    "b2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa")


def huffman_codes(bits, values):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


DC_CODES, AC_CODES = huffman_codes(DC_BITS, DC_VALS), huffman_codes(AC_BITS, AC_VALS)
C = np.array([[np.sqrt((1 if u == 0 else 2) / 8) * np.cos((2 * x + 1) * u * np.pi / 16) for x in range(8)] for u in range(8)])


class Bits:
    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)  # byte stuffing
                self.acc, self.n = 0, 0

    def flush(self):
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)  # pad with 1-bits


def category(v):
    return 0 if v == 0 else int(abs(v)).bit_length()


def encode_block(bits, block, q, pred):
    coef = np.round((C @ (block.astype(np.float64) - 128) @ C.T).flatten() / q).astype(int)
    zz = [int(coef[i]) for i in ZIGZAG]
    diff = zz[0] - pred
    s = category(diff)
    bits.put(*DC_CODES[s])
    bits.put(diff if diff >= 0 else diff + (1 << s) - 1, s)
    run = 0
    for v in zz[1:]:
        if v == 0:
            run += 1
            continue
        while run > 15:
            bits.put(*AC_CODES[0xF0])
            run -= 16
        s = category(v)
        bits.put(*AC_CODES[(run << 4) | s])
        bits.put(v if v >= 0 else v + (1 << s) - 1, s)
        run = 0
    if run:
        bits.put(*AC_CODES[0x00])
    return zz[0]


def segment(marker, payload):
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def own_baseline(pixels, restart, sampling, fill_bytes=0, separate_scans=False):
    """Baseline YCbCr encoder: one quant table, the Annex K Huffman tables, DRI every `restart` MCUs; with
    separate_scans, one non-interleaved scan per component (blocks in component order, no MCU padding)."""
    h, w = pixels.shape[:2]
    rgb = pixels.astype(np.float64)
    ycc = np.stack([
        0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2],
        128 - 0.168736 * rgb[..., 0] - 0.331264 * rgb[..., 1] + 0.5 * rgb[..., 2],
        128 + 0.5 * rgb[..., 0] - 0.418688 * rgb[..., 1] - 0.081312 * rgb[..., 2]], axis=-1)
    hs, vs = sampling
    mw, mh = 8 * hs, 8 * vs
    mx, my = -(-w // mw), -(-h // mh)
    padded = np.pad(ycc, ((0, my * mh - h), (0, mx * mw - w), (0, 0)), mode="edge")
    planes = [padded[..., 0]] + [padded[..., c].reshape(my * 8, vs, mx * 8, hs).mean(axis=(1, 3)) for c in (1, 2)]
    factors = [(hs, vs), (1, 1), (1, 1)]
    q = np.array(LUMA_Q)  # natural (row-major) order, like the flattened DCT output

    def block(c, bx, by):
        return planes[c][by * 8:by * 8 + 8, bx * 8:bx * 8 + 8]

    def scan(mcus, components):
        bits, preds, rst = Bits(), {c: 0 for c in components}, 0
        for m, mcu in enumerate(mcus):
            if restart and m and m % restart == 0:
                bits.flush()
                bits.out += b"\xff" * fill_bytes + bytes([0xFF, 0xD0 + rst])
                rst = (rst + 1) % 8
                preds = {c: 0 for c in components}
            for c, b in mcu:
                preds[c] = encode_block(bits, b, q, preds[c])
        bits.flush()
        selectors = b"".join(bytes([c + 1, 0x00]) for c in components)
        return segment(0xDA, bytes([len(components)]) + selectors + b"\x00\x3f\x00") + bytes(bits.out) + b"\xff" * fill_bytes

    scans = b""
    if separate_scans:
        for c in range(3):
            fh, fv = factors[c]
            cw, ch = -(-w * fh // hs), -(-h * fv // vs)
            mcus = [[(c, block(c, bx, by))] for by in range(-(-ch // 8)) for bx in range(-(-cw // 8))]
            scans += scan(mcus, [c])
    else:
        mcus = []
        for m in range(mx * my):
            bx, by = m % mx, m // mx
            mcus.append([(c, block(c, bx * factors[c][0] + u, by * factors[c][1] + v))
                         for c in range(3) for v in range(factors[c][1]) for u in range(factors[c][0])])
        scans = scan(mcus, [0, 1, 2])
    header = b"\xff\xd8" + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    header += segment(0xFE, b"made by make_jpegs.py")
    header += segment(0xDB, b"\x00" + bytes(LUMA_Q[i] for i in ZIGZAG))  # DQT stores zig-zag order
    header += segment(0xC0, b"\x08" + h.to_bytes(2, "big") + w.to_bytes(2, "big") + b"\x03"
                      + bytes([1, (hs << 4) | vs, 0, 2, 0x11, 0, 3, 0x11, 0]))
    header += segment(0xC4, b"\x00" + bytes(DC_BITS) + bytes(DC_VALS))
    header += segment(0xC4, b"\x10" + bytes(AC_BITS) + AC_VALS)
    if restart:
        header += segment(0xDD, restart.to_bytes(2, "big"))
    return header + scans + b"\xff\xd9"


add("restart1_420", own_baseline(photo(40, 24, 3), restart=1, sampling=(2, 2)))
add("restart3_444_fill", own_baseline(photo(41, 23, 4), restart=3, sampling=(1, 1), fill_bytes=2))
add("restart2_422", own_baseline(photo(50, 18, 6), restart=2, sampling=(2, 1)))
add("own_440", own_baseline(photo(37, 29, 7), restart=0, sampling=(1, 2)))
add("own_411", own_baseline(photo(45, 21, 8), restart=0, sampling=(4, 1)))
add("own_420_three_scans", own_baseline(photo(35, 27, 10), restart=0, sampling=(2, 2), separate_scans=True))
add("own_420_three_scans_restart5", own_baseline(photo(35, 27, 11), restart=5, sampling=(2, 2), separate_scans=True))

# --- not supported and corrupt --------------------------------------------------------------------
add("progressive", pil_jpeg(frame, quality=90, progressive=True), expect="notsupported")
cmyk = io.BytesIO()
Image.fromarray(frame).convert("CMYK").save(cmyk, "JPEG")
add("cmyk", cmyk.getvalue(), expect="notsupported")
whole = pil_jpeg(frame, quality=90, subsampling=2)
add("truncated_half", whole[: len(whole) // 2], expect="error")
add("truncated_header", whole[:40], expect="error")
add("truncated_no_eoi_mid_scan", whole[:-200], expect="error")

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f)
