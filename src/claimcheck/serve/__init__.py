"""The HTTP service and web page (needs the 'serve' extra): `create_app()` and `run()` live in serve.app."""
