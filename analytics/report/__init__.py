"""The consultant's deliverables: the data-room workbook, the PDF report and the slide deck,
made from one `ReportContent` so every format shows the same numbers as the pages."""

from __future__ import annotations

from pathlib import Path

from analytics.filters import Filters
from analytics.report.content import ReportContent, content_from_store, report_content
from analytics.report.errors import ReportError
from analytics.report.planning import portfolio_workbook
from analytics.store import Store

__all__ = [
    "KINDS",
    "ReportContent",
    "ReportError",
    "build_report",
    "content_from_store",
    "portfolio_workbook",
    "render",
    "report_content",
]

# File suffix -> what it is, in words for messages.
KINDS = {".xlsx": "workbook", ".pdf": "PDF report", ".pptx": "slide deck"}


def render(content: ReportContent, kind: str, images=None) -> bytes:
    """The report in one format: "xlsx", "pdf" or "pptx" (`images`: the charts already
    rendered by `images.report_images`, shared by the PDF and the deck)."""
    kind = kind.lower().lstrip(".")
    if kind == "xlsx":
        from analytics.report.workbook import workbook_bytes

        return workbook_bytes(content)
    if kind not in ("pdf", "pptx"):
        raise ReportError(f"A report is .xlsx, .pdf or .pptx, not .{kind}; change the file name.")
    from analytics.charts import png_available
    from analytics.report.images import report_images

    if images is None:
        if not png_available():
            raise ReportError(
                f"The .{kind} report draws its charts with Chromium, which is not installed "
                "here; install chromium or make the .xlsx workbook."
            )
        images = report_images(content)
    if kind == "pdf":
        from analytics.report.pdf import pdf_bytes

        return pdf_bytes(content, images)
    from analytics.report.slides import slides_bytes

    return slides_bytes(content, images)


def read_logo(logo: str | Path | bytes | None) -> bytes | None:
    """The logo's bytes (PNG or JPEG), from a path or as given."""
    if logo is None or isinstance(logo, bytes):
        return logo
    path = Path(logo)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(
            f"The logo {path} cannot be read ({exc.strerror}); check the path."
        ) from None
    if not (data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8")):
        raise ReportError(f"The logo {path} is not a PNG or JPEG image; export it as PNG.")
    return data


def build_report(
    store: Store,
    filters: Filters,
    out_path: str | Path,
    practice_name: str | None = None,
    logo: str | Path | bytes | None = None,
    **options,
) -> Path:
    """Write the report of the store's period to `out_path`; its suffix (.xlsx, .pdf, .pptx)
    picks the format. `options` go to `report_content` (scenarios, margin, overdue_days)."""
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in KINDS:
        raise ReportError(
            f"{out.name} does not end in .xlsx, .pdf or .pptx; name the file for the format "
            "you want."
        )
    if store.is_empty():
        raise ReportError(
            f"{store.path} holds no referrals yet; load an export first "
            "(python -m analytics ingest FILE)."
        )
    sources, _, _ = store.period_sources(filters)
    if not int(sources["referrals"].sum()):
        raise ReportError(
            "No referrals in the period and clinics chosen; pick other dates or clinics."
        )
    content = content_from_store(
        store, filters, practice_name=practice_name, logo=read_logo(logo), **options
    )
    data = render(content, suffix)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise ReportError(f"{out} cannot be written ({exc.strerror}); check the folder.") from None
    return out
