from catalog.services.report_lines import ERROR, WARNING

STYLES = {WARNING: "WARNING", ERROR: "ERROR"}


def write_lines(command, lines) -> None:
    """Each ReportLine on the command's stdout, warnings and errors in their style."""
    for line in lines:
        style = getattr(command.style, STYLES[line.level]) if line.level in STYLES else str
        command.stdout.write(style(line.text))
