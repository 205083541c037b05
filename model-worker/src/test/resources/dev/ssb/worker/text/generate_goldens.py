#!/usr/bin/env python3
"""Renders cases.json with real Python jinja2 the way Hugging Face transformers does
(transformers.utils.chat_template_utils: ImmutableSandboxedEnvironment(trim_blocks=True,
lstrip_blocks=True), tojson = json.dumps(ensure_ascii=False), raise_exception global,
tools=None, documents=None, special tokens as variables) and writes one golden file per
template and case: golden/<template>/<case>.txt.

Regenerate (from the repository root, Jinja2 3.1):
  python3 model-worker/src/test/resources/dev/ssb/worker/text/generate_goldens.py model-worker/src/test/resources/dev/ssb/worker/text/qwen3-tokenizer
"""
import json
import os
import sys

from jinja2.exceptions import TemplateError
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def render(source, case, tokens):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    template = env.from_string(source)
    return template.render(messages=case["messages"], tools=None, documents=None,
                           add_generation_prompt=case["add_generation_prompt"], **tokens)


def main():
    qwen_dir = sys.argv[1]
    with open(os.path.join(qwen_dir, "tokenizer_config.json"), encoding="utf-8") as f:
        config = json.load(f)
    qwen_tokens = {k: config[k] for k in ("bos_token", "eos_token", "pad_token", "unk_token")
                   if config.get(k) is not None}
    def read(name):
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            return f.read()
    templates = {
        "qwen3": (config["chat_template"], qwen_tokens),
        "chatml": (read("chatml.jinja"), {"eos_token": "<|im_end|>"}),
        "features": (read("features.jinja"), {"eos_token": "<|im_end|>"}),
    }
    with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    for tname, (source, tokens) in templates.items():
        out_dir = os.path.join(HERE, "golden", tname)
        os.makedirs(out_dir, exist_ok=True)
        for case in cases:
            text = render(source, case, tokens)
            with open(os.path.join(out_dir, case["name"] + ".txt"), "w", encoding="utf-8", newline="") as f:
                f.write(text)
    print("wrote", len(templates) * len(cases), "golden files")


if __name__ == "__main__":
    main()
