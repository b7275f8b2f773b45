#!/usr/bin/env python3
"""Throwaway reading aid for writing the golden files BY HAND.

It only splits a capture into frames and prints, for each frame, its byte
offset, the arrival time (started_utc + t of the rx_chunk holding the frame's
last byte) and the Timestamp: header if present. It draws no conclusions: the
golden records were written by reading this timeline and the raw capture.

usage: ami_timeline.py CAPTURE.ami [--all]
"""
import bisect
import datetime as dt
import json
import sys

SKIP = {"VarSet", "Newexten", "DeviceStateChange", "QueueMemberStatus"}


def frames(data):
    # banner line first
    first = data.index(b"\r\n") + 2
    pos = first
    while pos < len(data):
        end = data.find(b"\r\n\r\n", pos)
        if end < 0:
            break
        end += 4
        yield pos, end, data[pos:end].decode()
        pos = end


def main():
    path = sys.argv[1]
    show_all = "--all" in sys.argv
    data = open(path, "rb").read()
    meta = json.load(open(path[:-4] + ".json"))
    start = dt.datetime.fromisoformat(meta["started_utc"])
    start_us = int(start.timestamp()) * 1_000_000 + start.microsecond
    offs = [c[0] for c in meta["rx_chunks"]]
    for beg, end, text in frames(data):
        hdr = {}
        for line in text.split("\r\n"):
            if ": " in line:
                k, v = line.split(": ", 1)
                hdr.setdefault(k, v)
        ev = hdr.get("Event") or ("Response:" + hdr.get("Response", "?"))
        if ev in SKIP and not show_all:
            continue
        i = bisect.bisect_right(offs, end - 1) - 1
        t = meta["rx_chunks"][i][1]
        arr_us = start_us + round(t * 1_000_000)
        arr = dt.datetime.fromtimestamp(arr_us / 1e6, dt.timezone.utc)
        keys = ["Channel", "Uniqueid", "Linkedid", "ChannelStateDesc", "CallerIDNum", "ConnectedLineNum",
                "DestChannel", "DestCallerIDNum", "DialStatus", "Cause", "Cause-txt", "DialString",
                "Response", "Reason", "Variable", "Value", "Exten", "Context", "Timestamp", "BridgeUniqueid",
                "Source", "Destination", "Disposition", "StartTime", "AnswerTime", "EndTime", "Duration",
                "BillableSeconds", "DestinationChannel", "LocalOneChannel", "LocalTwoChannel", "ActionID",
                "Application", "AppData"]
        extra = " ".join(f"{k}={hdr[k]}" for k in keys if k in hdr)
        print(f"@{beg:>6}-{end:<6} t={t:.6f} arr={arr.isoformat(timespec='microseconds')} {ev} | {extra}")


if __name__ == "__main__":
    main()
