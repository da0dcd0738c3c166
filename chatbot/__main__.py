"""`python -m chatbot`: the calcify command."""

from chatbot.cli import run

if __name__ == "__main__":
    run()
