package com.example.quickstart;

import java.math.BigDecimal;

/** The quotes agent's answer. */
public record Quote(String item, int quantity, BigDecimal unitPrice, BigDecimal total) {}
