FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir .
RUN DJANGO_SECRET_KEY=collectstatic DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/x.db REDIS_URL=redis://localhost \
    python manage.py collectstatic --noinput --settings=choruspro.settings.production
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "choruspro.wsgi:application"]
