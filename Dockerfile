FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
# .dockerignore keeps .env, .venv, media and private_media out of the image.
COPY . .
# Static files are collected with the production storage (compressed, served by whitenoise).
RUN pip install --no-cache-dir . \
 && DJANGO_SECRET_KEY=build python manage.py compilemessages --ignore=.venv \
 && DJANGO_DEBUG=false DJANGO_SECRET_KEY=build python manage.py collectstatic --noinput \
 && mkdir -p /app/.run
EXPOSE 8000
# ASGI like docker-compose's web: the live streams run on the event loop, connections are pooled.
CMD ["gunicorn", "wecasa.asgi:application", "-k", "uvicorn_worker.UvicornWorker", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30"]
