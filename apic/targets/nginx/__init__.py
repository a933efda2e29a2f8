"""Target `nginx`: open-source nginx as an API gateway, a whole nginx.conf or an include.

`--option layout=full` (the default) writes `nginx.conf`, which runs from its prefix as any
user (`nginx -p DIR -c DIR/nginx.conf`: pid, logs and temp paths inside DIR);
`layout=include` writes `apic.conf` with what goes inside an existing `http {}`. The
builders (`build`, `access`, `proxy`) decide everything and quote every user string
(`quote`); the templates only loop and print.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import PurePosixPath
from typing import ClassVar

import jinja2

from apic.compiler.capabilities import NGINX, Feature, Platform
from apic.compiler.model import ApiKind, GatewayModel
from apic.targets.base import (
    ADDRESS_FORM,
    PATH_FORM,
    Artifact,
    CompileResult,
    OptionValue,
    Target,
    TargetOption,
)
from apic.targets.nginx.build import ApiServers, Block, Settings, error_locations
from apic.targets.nginx.conf import HttpConf

PATH_TEXT = "a file path (letters, digits and `_./@+-`)"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("apic.targets.nginx", "templates"),
        autoescape=False,  # nginx.conf, not HTML: every value is quoted by `quote` already
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


class NginxTarget(Target):
    name: ClassVar[str] = "nginx"
    description: ClassVar[str] = "open-source nginx as an API gateway (nginx.conf, or an include)"
    output_formats: ClassVar[tuple[str, ...]] = ("conf",)
    capabilities: ClassVar[Platform] = NGINX
    options: ClassVar[dict[str, TargetOption]] = {
        "layout": TargetOption(
            str,
            "full",
            "full: a whole nginx.conf; include: what goes inside your http {}",
            ("full", "include"),
        ),
        "listen": TargetOption(int, 8080, "the plain HTTP port"),
        "tls-listen": TargetOption(int, 8443, "the HTTPS port of the domains (with tls-dir)"),
        "tls-dir": TargetOption(
            str,
            "",
            "the folder of <host>.crt and <host>.key for each domain: nginx terminates TLS",
            form=PATH_FORM,
            form_text=PATH_TEXT,
        ),
        "resolver": TargetOption(
            str,
            "127.0.0.53",
            "the DNS server nginx resolves backend host names with",
            form=ADDRESS_FORM,
            form_text="an IP address or host name, with an optional port",
        ),
        "keys-dir": TargetOption(
            str,
            "keys",
            "the folder (relative to nginx.conf) of <api>.keys files with the keys the source lacks",
            form=PATH_FORM,
            form_text=PATH_TEXT,
        ),
        "healthcheck-access-log": TargetOption(bool, True, "log requests to healthcheck routes"),
    }

    def platform(self, options: Mapping[str, OptionValue]) -> Platform | None:
        if options["tls-dir"]:
            return NGINX
        return NGINX.without(
            Feature.TLS_POLICIES,
            frozenset(ApiKind),
            "nginx sets TLS versions where it terminates TLS, and no certificate files were given "
            "(--option tls-dir=DIR)",
        )

    def emit(
        self, model: GatewayModel, output_format: str | None, options: Mapping[str, OptionValue]
    ) -> CompileResult:
        settings = Settings(
            listen=int(options["listen"]),
            tls_listen=int(options["tls-listen"]),
            tls_dir=str(options["tls-dir"]),
            resolver=str(options["resolver"]),
            keys_dir=str(options["keys-dir"]),
            healthcheck_access_log=bool(options["healthcheck-access-log"]),
        )
        conf = HttpConf()
        for index, api in enumerate(model.apis):
            if api.kind is not ApiKind.WEBSOCKET:  # refused as a whole by the capability table
                ApiServers(api, index, conf, settings).build()
        for server in conf.servers.values():
            if not any(b.match == 'location "/"' for b in server.prefixes):
                server.prefixes.append(Block('location "/"', "no route: 404", ["return 404;"]))
            server.named += error_locations(server.retry_after)
        http = (
            environment()
            .get_template("http.conf.j2")
            .render(
                resolver=conf.resolver,
                upstreams=[conf.upstreams[k] for k in sorted(conf.upstreams)],
                maps=[conf.maps[k] for k in sorted(conf.maps)],
                zones=sorted(conf.zones.items()),
                servers=conf.server_list,
            )
        )
        if options["layout"] == "include":
            artifact = Artifact(PurePosixPath("apic.conf"), http, "text/plain")
        else:
            text = environment().get_template("nginx.conf.j2").render(http=http.rstrip("\n"))
            artifact = Artifact(PurePosixPath("nginx.conf"), text, "text/plain")
        return CompileResult((artifact,), tuple(conf.diagnostics))
