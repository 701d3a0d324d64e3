"""The floor for bench/reads.py: the smallest Flask app, served by the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
