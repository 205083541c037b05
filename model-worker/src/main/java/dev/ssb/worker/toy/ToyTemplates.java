package dev.ssb.worker.toy;

import java.util.List;

/**
 * The word material of the toy domain: story scenarios with one sentence per operation, names and
 * objects. Placeholders: {@code {name}}, {@code {friend}}, {@code {He}}/{@code {he}}/{@code {him}}
 * (the name's pronouns), {@code {obj}} (plural noun), {@code {n}} (the step's operand), {@code
 * {a}}/{@code {b}} (the two factors of a product start).
 */
final class ToyTemplates {

    /** A story frame; every sentence determines its operation without ambiguity. */
    record Scenario(
            String start,
            String productStart,
            List<String> plus,
            List<String> minus,
            List<String> times,
            List<String> divide,
            String question) {

        List<String> sentences(ToyOp op) {
            return switch (op) {
                case PLUS -> plus;
                case MINUS -> minus;
                case TIMES -> times;
                case DIVIDE -> divide;
            };
        }
    }

    /** A name with its pronouns. */
    record Person(String name, boolean female) {
        String subject() {
            return female ? "She" : "He";
        }

        String object() {
            return female ? "her" : "him";
        }
    }

    static final List<Scenario> SCENARIOS =
            List.of(
                    new Scenario(
                            "{name} has {n} {obj}.",
                            "{name} has {a} bags of {b} {obj}.",
                            List.of("{He} finds {n} more.", "{friend} gives {him} {n} more."),
                            List.of("{He} loses {n}.", "{He} gives {n} to {friend}."),
                            List.of("{He} then has {n} times as many."),
                            List.of("{He} keeps 1 of {n} equal parts."),
                            "How many {obj} does {name} have now?"),
                    new Scenario(
                            "A shop has {n} {obj}.",
                            "A shop gets {a} boxes of {b} {obj}.",
                            List.of("{name} brings {n} more.", "A van drops off {n} more."),
                            List.of("{name} sells {n}."),
                            List.of("A delivery makes it {n} times as many."),
                            List.of("It keeps 1 of {n} equal lots."),
                            "How many {obj} does the shop have now?"),
                    new Scenario(
                            "A jar holds {n} {obj}.",
                            "A jar holds {a} rows of {b} {obj}.",
                            List.of("{name} puts in {n} more."),
                            List.of("{name} takes out {n}."),
                            List.of("{name} fills it to {n} times as many."),
                            List.of("{name} leaves 1 of {n} equal parts."),
                            "How many {obj} are in the jar now?"),
                    new Scenario(
                            "{name} wins {n} {obj}.",
                            "{name} wins {a} rounds of {b} {obj}.",
                            List.of("{He} wins {n} more.", "{He} gets a prize of {n} more."),
                            List.of("{He} loses {n} in a round."),
                            List.of("A bonus makes it {n} times as many."),
                            List.of("{He} keeps 1 of {n} equal shares."),
                            "How many {obj} does {name} have at the end?"),
                    new Scenario(
                            "{name} sets out {n} {obj} at a stall.",
                            "{name} sets out {a} trays of {b} {obj}.",
                            List.of("{He} sets out {n} more."),
                            List.of("{He} sells {n}.", "{friend} buys {n}."),
                            List.of("{He} restocks to {n} times as many."),
                            List.of("{He} keeps 1 of {n} equal piles."),
                            "How many {obj} are out now?"),
                    new Scenario(
                            "A box has {n} {obj}.",
                            "A box has {a} layers of {b} {obj}.",
                            List.of("{name} adds {n} more."),
                            List.of("{name} removes {n}.", "{friend} takes {n}."),
                            List.of("{name} refills it to {n} times as many."),
                            List.of("{name} keeps 1 of {n} equal piles."),
                            "How many {obj} are in the box now?"),
                    new Scenario(
                            "The club owns {n} {obj}.",
                            "The club owns {a} sets of {b} {obj}.",
                            List.of("{name} donates {n} more."),
                            List.of("The members use up {n}."),
                            List.of("A gift makes it {n} times as many."),
                            List.of("It keeps 1 of {n} equal parts."),
                            "How many {obj} does the club own now?"),
                    new Scenario(
                            "{name} collects {n} {obj}.",
                            "{name} collects {a} packs of {b} {obj}.",
                            List.of("{He} collects {n} more.", "{friend} adds {n} more."),
                            List.of("{He} trades away {n}.", "{He} gives {n} to {friend}."),
                            List.of("{He} swaps them for {n} times as many."),
                            List.of("{He} keeps 1 of {n} equal groups."),
                            "How many {obj} does {name} have now?"),
                    new Scenario(
                            "A basket holds {n} {obj}.",
                            "A basket holds {a} bunches of {b} {obj}.",
                            List.of("{name} adds {n} more."),
                            List.of("{name} eats {n}.", "{friend} takes {n}."),
                            List.of("{name} fills it to {n} times as many."),
                            List.of("{name} keeps 1 of {n} equal parts."),
                            "How many {obj} are in the basket now?"),
                    new Scenario(
                            "{name} packs {n} {obj} for a trip.",
                            "{name} packs {a} bags of {b} {obj}.",
                            List.of("{He} buys {n} more."),
                            List.of("{He} uses {n}.", "{He} gives {n} to {friend}."),
                            List.of("At camp {he} gets {n} times as many."),
                            List.of("{He} keeps 1 of {n} equal bags."),
                            "How many {obj} does {name} have now?"));

    static final List<Person> PEOPLE =
            List.of(
                    new Person("Ava", true),
                    new Person("Mia", true),
                    new Person("Zoe", true),
                    new Person("Lily", true),
                    new Person("Emma", true),
                    new Person("Nora", true),
                    new Person("Ruth", true),
                    new Person("Sara", true),
                    new Person("Anna", true),
                    new Person("Lucy", true),
                    new Person("Rosa", true),
                    new Person("Ivy", true),
                    new Person("Ben", false),
                    new Person("Leo", false),
                    new Person("Sam", false),
                    new Person("Max", false),
                    new Person("Tom", false),
                    new Person("Omar", false),
                    new Person("Eli", false),
                    new Person("Jack", false),
                    new Person("Noah", false),
                    new Person("Ravi", false),
                    new Person("Hugo", false),
                    new Person("Finn", false));

    static final List<String> OBJECTS =
            List.of(
                    "apples",
                    "marbles",
                    "stickers",
                    "cookies",
                    "pencils",
                    "books",
                    "shells",
                    "coins",
                    "cards",
                    "stamps",
                    "beads",
                    "buttons",
                    "candies",
                    "toys",
                    "flowers",
                    "eggs",
                    "balloons",
                    "cupcakes",
                    "oranges",
                    "crayons");

    private ToyTemplates() {}
}
