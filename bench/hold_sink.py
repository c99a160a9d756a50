#!/usr/bin/env python3
"""An SMTP sink for the concurrent-sessions benchmark: answers at once, except the end of each
message, which it answers HOLD seconds later, so every transaction stays open. asyncio, so
thousands of connections cost it nothing (Postfix's smtp-sink serves about 256 at once and leaves
the rest in the listen backlog). Prints the peak of open connections on SIGTERM and every 5 s.
usage: hold_sink.py PORT HOLD_SECONDS"""
import asyncio, signal, sys

port, hold = int(sys.argv[1]), float(sys.argv[2])
state = {"open": 0, "peak": 0, "messages": 0}

async def serve(reader, writer):
    state["open"] += 1
    state["peak"] = max(state["peak"], state["open"])
    try:
        writer.write(b"220 hold-sink ESMTP\r\n")
        while True:
            line = await reader.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-hold-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                while (await reader.readline()) not in (b".\r\n", b".\n", b""):
                    pass
                await asyncio.sleep(hold)
                state["messages"] += 1
                writer.write(b"250 2.0.0 ok\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                return
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        state["open"] -= 1
        writer.close()

async def report():
    while True:
        await asyncio.sleep(5)
        print(f"open={state['open']} peak={state['peak']} messages={state['messages']}", flush=True)

async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=8192, limit=1 << 20)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    task = asyncio.create_task(report())
    async with server:
        await stop
    task.cancel()
    print(f"peak={state['peak']} messages={state['messages']}", flush=True)

asyncio.run(main())
