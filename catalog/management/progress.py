class ProgressBar:
    """A one-line progress bar redrawn on a terminal; silent when `stream` is not one, or when not `enabled`."""

    WIDTH = 30

    def __init__(self, stream, *, enabled: bool):
        self.stream = stream
        self.enabled = enabled and stream.isatty()
        self.total = self.done = 0

    def start(self, total: int) -> None:
        self.total = total
        self.draw()

    def advance(self, label: str = "", count: int = 1) -> None:
        self.done += count
        self.draw(label)

    def finish(self) -> None:
        if self.enabled and self.total:
            self.stream.write("\n", ending="")
            self.stream.flush()

    def draw(self, label: str = "") -> None:
        if not (self.enabled and self.total):
            return
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {label[:40]:<40}", ending="")
        self.stream.flush()
