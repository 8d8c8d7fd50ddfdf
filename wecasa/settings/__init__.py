"""Django settings for wecasa: configuration only, every value from the environment.

One module per concern, imported in this order (a later part may read an earlier one's values);
`DJANGO_SETTINGS_MODULE` stays `wecasa.settings`. Bad values fail loudly at start-up
(django-environ raises ImproperlyConfigured).
"""

# isort: skip_file
# The order is the order of the parts: keep it.
from .base import *  # noqa: F403
from .security import *  # noqa: F403
from .database import *  # noqa: F403
from .api import *  # noqa: F403
from .domain import *  # noqa: F403
from .live import *  # noqa: F403
from .privacy import *  # noqa: F403
from .celery import *  # noqa: F403
from .logging import *  # noqa: F403
