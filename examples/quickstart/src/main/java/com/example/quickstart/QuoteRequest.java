package com.example.quickstart;

/** What a client asks the quotes agent: a price for {@code quantity} of {@code item}. */
public record QuoteRequest(String item, int quantity) {}
