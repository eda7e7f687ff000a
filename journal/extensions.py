"""Flask extensions, created here and bound to the app in create_app()."""
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from . import limit_storage  # noqa: F401  (registers RATELIMIT_STORAGE_URI=database://)

# gzip/brotli for text responses: pages, CSS, JS and the manifest (the page-weight budget in DESIGN.md).
compress = Compress()
csrf = CSRFProtect()
htmx = HTMX()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"

# Storage comes from RATELIMIT_STORAGE_URI: database:// (the default: the app's database, which every worker and host
# shares), redis://… to keep the counts out of the database, memory:// for one process only.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
