"""The workspace as a whole: the demo generator and backup copies of the file."""
