# syntax=docker/dockerfile:1
# One image for every OPI service; the command picks the service:
#   docker run opi-platform serve intake        (the default)
# Settings come from OPI_* environment variables (shared/platform/config.py).

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY requirements.lock pyproject.toml README.md ./
COPY opi ./opi
COPY shared ./shared
COPY services ./services
# The lock pins every dependency; a non-editable install carries the migrations and
# other package data inside site-packages.
RUN pip install --constraint requirements.lock .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OPI_HTTP_HOST=0.0.0.0 \
    OPI_DATA_DIR=/var/lib/opi
# A fixed numeric id, so Kubernetes can verify runAsNonRoot (deploy/k8s uses the same id).
RUN groupadd --system --gid 10001 opi \
    && useradd --system --uid 10001 --gid opi --home-dir /var/lib/opi --no-create-home \
       --shell /usr/sbin/nologin opi \
    && mkdir -p /var/lib/opi \
    && chown opi:opi /var/lib/opi
COPY --from=build /opt/venv /opt/venv
WORKDIR /var/lib/opi
USER 10001:10001

EXPOSE 8001
# No curl in the image: the standard library does the probe. /health answers 503 when the
# database is unreachable, which urlopen raises as an error.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('OPI_HTTP_PORT', '8001'), timeout=4)" || exit 1

ENTRYPOINT ["opi"]
CMD ["serve", "intake"]
