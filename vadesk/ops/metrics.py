"""Prometheus metrics (prometheus_client): request counters per process, the domain's gauges at scrape.

Under `vadesk serve` each gunicorn worker is a process of its own: PROMETHEUS_MULTIPROC_DIR (set and emptied by
`vadesk serve`, read by prometheus_client at import) makes the counters go to files there, and a scrape, answered
by whichever worker, sums them over all workers (the gunicorn hook `child_exit` retires a dead worker's files).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from vadesk.ops.gauges import domain_gauges

log = logging.getLogger(__name__)

REQUESTS = Counter("vadesk_http_requests", "HTTP requests answered.", ["method", "view", "status"])
LATENCY = Histogram(
    "vadesk_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def request_observe(*, method: str, view: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, view=view, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


class DomainCollector(Collector):
    """The domain's gauges: queried when scraped, so every worker answers with the same, current figures."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("vadesk_domain_gauges_up", "1 if the domain's gauges could be read from the database.")
        try:
            gauges = domain_gauges()
        except DatabaseError:
            log.exception("the domain's gauges could not be read")
            gauges = []  # the process counters still answer; the alert is on vadesk_domain_gauges_up == 0
        up.add_metric([], 1 if gauges else 0)
        yield up
        for gauge in gauges:
            family = GaugeMetricFamily(gauge.name, gauge.help)
            family.add_metric([], gauge.value)
            yield family


def metrics_text() -> bytes:
    """The exposition: the process counters (summed over the workers in multi-process mode), then the gauges."""
    if settings.METRICS_MULTIPROC_DIR:
        processes = CollectorRegistry()
        MultiProcessCollector(processes, path=settings.METRICS_MULTIPROC_DIR)
    else:
        processes = REGISTRY
    domain = CollectorRegistry()
    domain.register(DomainCollector())
    return generate_latest(processes) + generate_latest(domain)
