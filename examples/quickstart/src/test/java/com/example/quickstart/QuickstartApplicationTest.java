package com.example.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** The whole service over HTTP: the starter runs the agent bean, the controller asks it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QuickstartApplicationTest {

  @Autowired
  TestRestTemplate http;

  @Test
  void quotesOverHttp() {
    ResponseEntity<Quote> response = http.getForEntity("/quotes/coral?quantity=2", Quote.class);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getBody().total()).isEqualByComparingTo("25.00");
  }

  @Test
  void aRefusalIsAClientError() {
    ResponseEntity<String> response = http.getForEntity("/quotes/pearls", String.class);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
    assertThat(response.getBody()).isEqualTo("no quote for 1 x pearls");
  }

  @Test
  void reportsTheReefsHealth() {
    ResponseEntity<String> response = http.getForEntity("/actuator/health", String.class);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getBody()).contains("\"reef\":{\"status\":\"UP\"");
  }
}
