-- Column types MySQL applications hold (after MySQL's sakila sample):
-- unsigned integers as keys, foreign keys and counters, YEAR, ENUM and SET,
-- date-times defaulting to the current time at the column's precision.
CREATE TABLE film (
    film_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,
    title VARCHAR(128) NOT NULL,
    release_year YEAR DEFAULT NULL,
    rating ENUM('G','PG','PG-13','R','NC-17') DEFAULT 'G',
    special_features SET('Trailers','Commentaries','Deleted Scenes','Behind the Scenes') DEFAULT NULL,
    audiences SET('kids','teens','adults') NOT NULL DEFAULT 'teens,adults',
    rental_duration TINYINT UNSIGNED NOT NULL DEFAULT 3,
    length SMALLINT UNSIGNED DEFAULT NULL,
    views INT UNSIGNED NOT NULL DEFAULT 0,
    bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
    created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (film_id)
);

CREATE TABLE inventory (
    inventory_id MEDIUMINT UNSIGNED NOT NULL AUTO_INCREMENT,
    film_id SMALLINT UNSIGNED NOT NULL,
    state ENUM('in','out','lost') NOT NULL DEFAULT 'in',
    PRIMARY KEY (inventory_id),
    KEY idx_fk_film_id (film_id),
    CONSTRAINT fk_inventory_film FOREIGN KEY (film_id) REFERENCES film (film_id)
);
