"""Government information disclosure annual reports (政府信息公开工作年度报告) → checked CSV → static site."""
