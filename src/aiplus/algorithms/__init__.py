"""Models, algorithms and AI products: registers, filings and AIGC labels."""
