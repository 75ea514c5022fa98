"""An MCP client built on the official Python SDK (`mcp`), for the conformance tests.

Run: `python mcp_client.py http://127.0.0.1:8050/_mcp`. Connects over Streamable HTTP,
initializes, lists the tools, calls the greeting tool with name "Ada", lists the resources
and reads the layout, then prints one JSON object with what it saw (exit 0), or the error
(exit 1).
"""

import asyncio
import json
import sys

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


def _dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def main(url):
    async with streamable_http_client(url) as streams:
        read, write = streams[0], streams[1]
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            greeting = await session.call_tool("greet", {"name": "Ada"})
            resources = await session.list_resources()
            layout = await session.read_resource("dash://layout")
    return {
        "server": _dump(init).get("serverInfo", {}),
        "protocolVersion": _dump(init).get("protocolVersion"),
        "tools": [_dump(t) for t in tools.tools],
        "greet": _dump(greeting),
        "resources": [r.get("uri") for r in (_dump(x) for x in resources.resources)],
        "layout": json.loads(layout.contents[0].text),
    }


if __name__ == "__main__":
    try:
        print(json.dumps(asyncio.run(main(sys.argv[1]))))
    except Exception as err:  # the test shows the whole error
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        raise SystemExit(1)
