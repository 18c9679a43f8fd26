"""Dash pages: one module per page (register_page, layout(**query), the page's callbacks)."""
