# The proxy image: Debian's own haproxy package, the one `make classroom` runs on a laptop.
# Its configuration is deploy/haproxy.cfg, mounted by deploy/compose.yaml (not baked in), so the
# same file serves both.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends haproxy \
    && rm -rf /var/lib/apt/lists/*
EXPOSE 8501
CMD ["haproxy", "-db", "-f", "/etc/xent/haproxy.cfg"]
