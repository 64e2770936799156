"""Summaries: event files (FileWriter) and GraphDef export."""
