"""The external programs some parsers call, named by the caller so that parsers read no settings."""
from dataclasses import dataclass


@dataclass(frozen=True)
class ExternalTools:
    tesseract_command: str = "tesseract"
    ocr_language: str = "chi_sim"
    # 300 dpi is what Tesseract is trained for; scanned pages are rendered at this resolution.
    ocr_dpi: int = 300
    ocr_timeout_seconds: int = 180
    libreoffice_command: str = "soffice"
    conversion_timeout_seconds: int = 120
