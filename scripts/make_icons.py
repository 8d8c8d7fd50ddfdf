"""Draw the pro app's icons (PNG, committed in static/icons/): `python scripts/make_icons.py`.

A white house on the brand's teal, at the sizes the web app manifest, iOS and notifications
use. The maskable one keeps the house inside the central 80 % safe zone; the badge is the
house alone, white on transparent (Android tints it).
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
BRAND = (15, 118, 110, 255)
WHITE = (255, 255, 255, 255)


def _house(draw: ImageDraw.ImageDraw, size: int, scale: float, colour, door=BRAND) -> None:
    """A house centred in a size x size square, `scale` of its width."""
    w = size * scale
    x0, y0 = (size - w) / 2, (size - w) / 2
    roof = [(x0, y0 + w * 0.48), (x0 + w / 2, y0 + w * 0.08), (x0 + w, y0 + w * 0.48)]
    draw.polygon(roof, fill=colour)
    draw.rectangle([x0 + w * 0.16, y0 + w * 0.44, x0 + w * 0.84, y0 + w * 0.92], fill=colour)
    draw.rectangle([x0 + w * 0.42, y0 + w * 0.64, x0 + w * 0.58, y0 + w * 0.92], fill=door)


def app_icon(size: int, *, maskable: bool = False) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, size, size], fill=BRAND)
        _house(draw, size, 0.5, WHITE)
    else:
        draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=size * 0.22, fill=BRAND)
        _house(draw, size, 0.62, WHITE)
    return image


def badge(size: int) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    _house(ImageDraw.Draw(image), size, 0.8, WHITE, door=(0, 0, 0, 0))
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (32, 192, 512):
        app_icon(size).save(OUT / f"icon-{size}.png", optimize=True)
    app_icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    # iOS home screen: no transparency (iOS fills it with black).
    touch = Image.new("RGBA", (180, 180), BRAND)
    touch.alpha_composite(app_icon(180, maskable=True))
    touch.convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    badge(96).save(OUT / "badge-96.png", optimize=True)


if __name__ == "__main__":
    main()
