package com.example.quickstart;

import java.math.BigDecimal;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot service with a Reef agent: the starter builds the Reef from {@code reef.*}
 * properties, runs the {@link QuoteAgent} bean as an agent, drains it on shutdown, and reports the
 * Reef's health under {@code /actuator/health}. {@link QuoteController} asks the agent over HTTP.
 */
@SpringBootApplication
public class QuickstartApplication {

  public static void main(String[] args) {
    SpringApplication.run(QuickstartApplication.class, args);
  }

  @Bean
  QuoteAgent quoteAgent() {
    return new QuoteAgent(Map.of("coral", new BigDecimal("12.50"), "sponge", new BigDecimal("3.20")));
  }
}
