"""What the money commands print: a progress bar on the terminal and a summary table."""

from core.money import format_eur


class ProgressBar:
    """`bar(done, total)`: a one-line bar redrawn in place (only on a terminal)."""

    def __init__(self, stream, label: str, width: int = 30):
        self.stream = stream
        self.label = label
        self.width = width
        self.interactive = getattr(stream, "isatty", lambda: False)()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.interactive or total <= 0:
            return
        filled = int(self.width * done / total)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")


def table(headers: list[str], rows: list[list], total: list | None = None) -> str:
    """A plain-text table; numbers right-aligned."""
    body = [[str(cell) for cell in row] for row in rows]
    if total is not None:
        body.append([str(cell) for cell in total])
    widths = [
        max(len(headers[index]), *(len(row[index]) for row in body)) if body else len(header)
        for index, header in enumerate(headers)
    ]

    def line(cells):
        return "  ".join(
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    rule = "  ".join("-" * width for width in widths)
    out = [line(headers), rule, *(line(row) for row in body[: len(rows)])]
    if total is not None:
        out += [rule, line(body[-1])]
    return "\n".join(out)


def eur(cents: int) -> str:
    return format_eur(cents, "en")
