"""The Gradio chat UI (placeholder until the UI lands): answers through Assistant.ask."""

import gradio as gr

from assistant.assistant import Assistant

assistant = Assistant()


def chat(message: str, history: list) -> str:
    return assistant.ask(message).text


demo = gr.ChatInterface(chat, title="Ask the article")

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1")
