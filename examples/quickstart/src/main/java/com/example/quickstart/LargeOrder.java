package com.example.quickstart;

import java.math.BigDecimal;

/** Broadcast by the quotes agent for every quote above its threshold, for whoever listens (sales, audit). */
public record LargeOrder(String type, String item, BigDecimal total) {
  /** The knowledge type other agents respond to. */
  public static final String TYPE = "large-order";

  public LargeOrder(String item, BigDecimal total) {
    this(TYPE, item, total);
  }
}
