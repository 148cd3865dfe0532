"""Start and stop the whole local stack in one process: embedded AWS, resources, gateway, pollers, scheduler."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from infra.template import (
    ROOT,
    Resolver,
    authorizer_function,
    functions,
    gateway_responses,
    load_template,
    routes,
)

from .gateway import WEB_FOLDERS, TemplateGateway, serve, static_route
from .lambdas import LoadedFunction, load_function
from .provision import provision
from .scheduler import Scheduler
from .streams import Destinations, StreamPoller

log = logging.getLogger("infra.local")
REGION = "us-east-1"
DEFAULT_FEED_API_KEY = "local-feed-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalStack:
    port: int = 8000
    host: str = "127.0.0.1"
    feed_api_key: str = DEFAULT_FEED_API_KEY
    system_admin_ids: str = ""
    with_demo: bool = True
    aws_port: int | None = None
    functions: dict[str, LoadedFunction] = field(default_factory=dict)
    pollers: list[StreamPoller] = field(default_factory=list)
    demo: dict[str, Any] = field(default_factory=dict)
    ready: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalStack:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)

        from .embedded import make_dynamodb_atomic

        make_dynamodb_atomic()  # the threaded gateway makes concurrent requests, as API Gateway does
        self.aws_port = self.aws_port or free_port()
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.aws_port, verbose=False)
        self.moto.start()
        endpoint = f"http://127.0.0.1:{self.aws_port}"
        os.environ.update({
            "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true" if os.environ.get("LOCAL_METRICS") != "1" else "false",
        })
        import boto3

        self.session = boto3.session.Session(region_name=REGION)
        self.template = load_template()
        self.physical = provision(self.template, self.session, endpoint_url=endpoint)
        self.resolver = Resolver(self.template, self.physical, {
            "SystemAdminIds": self.system_admin_ids, "IdentityProvider": "dev", "SmsProvider": "dev",
            "LogLevel": os.environ.get("LOG_LEVEL", "WARNING"),
        }, REGION)
        specs = functions(self.template)
        for name, spec in specs.items():
            self.functions[name] = load_function(spec, self.resolver)
        self._seed_partner_key()

        auth_name = authorizer_function(self.template)
        # web/ and its folders (core/, resident/, console/, vendor/...): a folder's files, its page (/console/) and
        # one level below it (vendor/echarts/)
        local_routes = {("/", "GET"): static_route(), ("/{file}", "GET"): static_route()}
        for folder in WEB_FOLDERS:
            local_routes.update({(f"/{folder}/", "GET"): static_route(), (f"/{folder}/{{file}}", "GET"): static_route(),
                                 (f"/{folder}/{{sub}}/{{file}}", "GET"): static_route()})
        local_routes.update(self._dev_routes())
        self.gateway = TemplateGateway(routes(self.template), self.functions,
                                       self.functions.get(auth_name) if auth_name else None,
                                       gateway_responses(self.template), local_routes, self.ready)
        self.server = serve(self.gateway, self.host, self.port)
        self.server_thread = threading.Thread(target=self.server.server.serve_forever, name="gateway", daemon=True)
        self.server_thread.start()

        self.destinations = Destinations(self.session, endpoint, self.resolver)
        streams_client = self.session.client("dynamodbstreams", endpoint_url=endpoint)
        for spec in specs.values():
            for source in spec.streams:
                self.destinations.targets[spec.logical_id] = source.on_failure
                poller = StreamPoller(source, self.functions[spec.logical_id],
                                      self.physical[source.table]["StreamArn"], streams_client, self.destinations)
                poller.start()
                self.pollers.append(poller)
        self.scheduler = Scheduler([(schedule, self.functions[spec.logical_id])
                                    for spec in specs.values() for schedule in spec.schedules])
        self.scheduler.start()
        if self.with_demo:
            from .demo import seed

            self.demo = seed(self)
        self.ready.set()  # GET /v1/health answers 503 until here
        return self

    def stop(self, grace: float = 5.0) -> None:
        """Tell every poller and the scheduler to stop at once, then give them one shared grace period:
        a batch being delivered finishes; a stuck one is left behind (daemon threads end with the process)."""
        import time

        workers = [*self.pollers, *([self.scheduler] if hasattr(self, "scheduler") else [])]
        for worker in workers:
            worker.stop(timeout=0)
        deadline = time.monotonic() + grace
        for worker in workers:
            worker.thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if hasattr(self, "server"):
            self.server.server.shutdown()
            self.server.server.server_close()
        if hasattr(self, "moto"):
            self.moto.stop()

    def wait_for_streams(self, timeout: float = 15.0) -> None:
        for poller in self.pollers:
            poller.wait_idle(timeout)

    def _seed_partner_key(self) -> None:
        from healthcode.core.pii import key_digest
        from healthcode.models import AuthItem

        AuthItem(key=f"apikey#{key_digest(self.feed_api_key)}", value="local-partner").save()

    def _dev_routes(self) -> dict[tuple[str, str], Any]:
        """Local-only helpers (never in template.yaml): SMS outbox, captcha answers, streams, schedules."""

        def answer(status: int, body: Any) -> dict[str, Any]:
            return {"statusCode": status, "headers": {"Content-Type": "application/json"},
                    "body": json.dumps(body, ensure_ascii=False)}

        def sms(event: dict[str, Any]) -> dict[str, Any]:
            from healthcode.identity import sms as sms_module

            phone = (event.get("queryStringParameters") or {}).get("phone")
            return answer(200, {"messages": sms_module.dev_outbox(phone)})

        def captcha(event: dict[str, Any]) -> dict[str, Any]:
            from healthcode.identity import captcha as captcha_module

            value = captcha_module.dev_answer(event["pathParameters"]["captcha_id"])
            return answer(200 if value else 404, {"answer": value})

        def streams(event: dict[str, Any]) -> dict[str, Any]:
            self.wait_for_streams()
            return answer(200, {"failures": [f.__dict__ for f in self.destinations.reports]})

        def schedule(event: dict[str, Any]) -> dict[str, Any]:
            name = event["pathParameters"]["name"]
            if name not in self.scheduler.jobs:
                return answer(404, {"error": {"code": "NOT_FOUND", "message": "no such schedule",
                                              "message_zh": "没有该定时任务"}})
            result = self.scheduler.fire(name)
            return answer(200, {"fired": name, "result": result})

        return {("/v1/dev/sms", "GET"): sms, ("/v1/dev/captcha/{captcha_id}", "GET"): captcha,
                ("/v1/dev/streams/drain", "POST"): streams, ("/v1/dev/schedules/{name}", "POST"): schedule}


__all__ = ["LocalStack", "free_port", "ROOT"]
