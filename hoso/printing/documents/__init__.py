"""Printable documents: for each kind a pure data function and a render function."""

from hoso.printing.documents.transcript import render_transcript, transcript_data

__all__ = ["render_transcript", "transcript_data"]
