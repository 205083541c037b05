package dev.ssb.worker.api;

import java.util.List;

/**
 * A checkpoint's own chat template ({@code tokenizer_config.json}'s {@code chat_template}),
 * rendered exactly as Hugging Face transformers renders it with Python's jinja2.
 */
public interface ChatTemplate {

    /**
     * Renders a conversation to the prompt text.
     *
     * @param messages the turns, in order
     * @param addGenerationPrompt append the header that opens the assistant's reply
     * @return the text to tokenize (special tokens appear as text, e.g. {@code <|im_start|>})
     * @throws IllegalArgumentException when the template raises an exception for these messages
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);
}
