"""The app's few style rules: tiles that wrap instead of cutting their figures short on a
laptop or tablet, and print rules so a browser print of any page is a clean handout."""

__all__ = ["CSS"]

CSS = """
/* A tile is never narrower than its figure: at 1024 px and on a tablet a row of tiles wraps. */
[data-testid="stMetric"] { min-width: 10.5rem; }
[data-testid="stMetricValue"] > div { overflow: visible; text-overflow: clip; }

@media print {
  @page { size: letter portrait; margin: 12mm; }
  html, body, .stApp, [data-testid="stApp"], [data-testid="stAppViewContainer"],
  [data-testid="stMain"], section.main {
    height: auto !important; min-height: 0 !important; overflow: visible !important;
    position: static !important;
  }
  /* No sidebar, toolbar, downloads or chart buttons on paper. */
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stHeader"], header,
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stElementToolbar"], .modebar-container,
  [data-testid="stSegmentedControl"], [data-testid="stSlider"], [data-testid="stButton"],
  [data-testid="stFileUploader"], iframe[title="streamlit_analytics"] {
    display: none !important;
  }
  [data-testid="stMainBlockContainer"], .block-container {
    max-width: 100% !important; width: 100% !important; padding: 0 !important;
  }
  /* A chart, tile, card or table stays on one page; headings stay with what follows. */
  [data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stDataFrame"],
  [data-testid="stTable"], [data-testid="stVerticalBlockBorderWrapper"] {
    break-inside: avoid; page-break-inside: avoid;
  }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
}
"""
