package dev.ssb.cli;

import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.DescribeColumn;
import org.apache.spark.sql.catalyst.plans.logical.DescribeFunction;
import org.apache.spark.sql.catalyst.plans.logical.DescribeRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import org.apache.spark.sql.catalyst.plans.logical.ShowColumns;
import org.apache.spark.sql.catalyst.plans.logical.ShowCreateTable;
import org.apache.spark.sql.catalyst.plans.logical.ShowFunctions;
import org.apache.spark.sql.catalyst.plans.logical.ShowTableProperties;
import org.apache.spark.sql.catalyst.plans.logical.ShowTables;
import org.apache.spark.sql.catalyst.plans.logical.ShowViews;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import org.apache.spark.sql.execution.command.DescribeQueryCommand;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.apache.spark.sql.execution.command.ShowCatalogsCommand;
import org.apache.spark.sql.execution.command.ShowNamespacesCommand;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The gate of {@code ssb sql}: a statement runs only when Spark's own parser reads it as a query
 * (SELECT, WITH, VALUES, TABLE, FROM … SELECT), a SHOW or DESCRIBE of the catalog, or an EXPLAIN /
 * DESCRIBE QUERY of such a statement. Everything else — INSERT (also INSERT OVERWRITE DIRECTORY),
 * CREATE, DROP, CACHE, SET, ADD JAR, EXECUTE IMMEDIATE, scripts — is refused before Spark sees it,
 * and so are the expressions that leave the SQL engine: {@code reflect}, {@code java_method},
 * {@code try_reflect} (they call any static Java method) and {@code TRANSFORM … USING} (it runs a
 * shell command). The decision is taken on the parsed logical plan, never on the text.
 */
final class ReadOnlyQuery {

    /** SQL functions that call Java methods by name. */
    static final Set<String> JVM_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");

    /** Catalog-reading statements: they list or describe, never change anything. */
    private static final Set<Class<?>> CATALOG_READS =
            Set.of(
                    ShowTables.class,
                    ShowViews.class,
                    ShowColumns.class,
                    ShowFunctions.class,
                    ShowTableProperties.class,
                    ShowCreateTable.class,
                    ShowNamespacesCommand.class,
                    ShowCatalogsCommand.class,
                    DescribeRelation.class,
                    DescribeColumn.class,
                    DescribeFunction.class);

    private static final String ALLOWED = "SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE or EXPLAIN";

    private ReadOnlyQuery() {}

    /**
     * Checks {@code sql} without running it.
     *
     * @return true for a query (Spark runs it lazily, so its analyzed plan can still be checked
     *     with {@link #checkAnalyzed}); false for SHOW, DESCRIBE and EXPLAIN, which Spark runs at
     *     once
     * @throws IllegalArgumentException naming the statement or function when it is not read-only
     * @throws ParseException when Spark cannot parse it
     */
    static boolean check(ParserInterface parser, String sql) throws ParseException {
        String text = stripTrailingSemicolons(sql);
        LogicalPlan plan = parser.parsePlan(text);
        return checkStatement(parser, text, plan);
    }

    /**
     * Checks the analyzed plan of a query (after {@link #check}): refuses JVM-reaching expressions
     * that were not spelled as a plain function call (e.g. through {@code IDENTIFIER(...)}).
     */
    static void checkAnalyzed(LogicalPlan analyzed) {
        walk(analyzed);
    }

    private static boolean checkStatement(ParserInterface parser, String text, LogicalPlan plan)
            throws ParseException {
        if (plan instanceof ExplainCommand explain) {
            checkInner(explain.logicalPlan(), "EXPLAIN");
            return false;
        }
        if (plan instanceof DescribeQueryCommand describe) {
            checkInner(describe.plan(), "DESCRIBE QUERY");
            return false;
        }
        if (CATALOG_READS.contains(plan.getClass())) {
            return false;
        }
        try {
            parser.parseQuery(text); // Spark's grammar rule for a query: no INSERT, no command
        } catch (ParseException notAQuery) {
            throw refused(plan);
        }
        walk(plan);
        return true;
    }

    private static void checkInner(LogicalPlan inner, String what) {
        if (CATALOG_READS.contains(inner.getClass())) {
            return;
        }
        if (isCommandOrWrite(inner)) {
            throw new IllegalArgumentException(
                    "Cannot run "
                            + what
                            + " of a statement of kind "
                            + statementName(inner)
                            + ": ssb sql is read-only (only "
                            + ALLOWED
                            + ")");
        }
        walk(inner);
    }

    /** Visits every plan node, expression and subquery, refusing what leaves the SQL engine. */
    private static void walk(TreeNode<?> node) {
        if (node instanceof LogicalPlan plan) {
            if (plan instanceof ScriptTransformation) {
                throw new IllegalArgumentException(
                        "Cannot run SELECT TRANSFORM ... USING: ssb sql does not run external"
                                + " commands");
            }
            if (isCommandOrWrite(plan)) {
                throw refused(plan);
            }
            for (Expression e : CollectionConverters.asJava(plan.expressions())) {
                walk(e);
            }
            for (Object inner : CollectionConverters.asJava(plan.innerChildren())) {
                if (inner instanceof TreeNode<?> t) {
                    walk(t);
                }
            }
        } else if (node instanceof UnresolvedFunction f) {
            String name = f.nameParts().last().toLowerCase(Locale.ROOT);
            if (JVM_FUNCTIONS.contains(name)) {
                throw jvmFunction(name);
            }
        } else if (node instanceof CallMethodViaReflection) {
            throw jvmFunction(node.nodeName());
        }
        if (node instanceof SubqueryExpression sub) {
            walk(sub.plan());
        }
        for (Object child : CollectionConverters.asJava(node.children())) {
            walk((TreeNode<?>) child);
        }
    }

    private static boolean isCommandOrWrite(LogicalPlan plan) {
        return plan instanceof org.apache.spark.sql.catalyst.plans.logical.Command
                || plan instanceof org.apache.spark.sql.catalyst.plans.logical.ParsedStatement
                || plan instanceof org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
    }

    private static IllegalArgumentException refused(LogicalPlan plan) {
        return new IllegalArgumentException(
                "Cannot run a statement of kind "
                        + statementName(plan)
                        + ": ssb sql is read-only and runs only "
                        + ALLOWED
                        + " (nothing was run)");
    }

    private static IllegalArgumentException jvmFunction(String name) {
        return new IllegalArgumentException(
                "Cannot run "
                        + name
                        + "(...): ssb sql refuses functions that call Java methods ("
                        + String.join(", ", JVM_FUNCTIONS.stream().sorted().toList())
                        + ")");
    }

    /** The plan's node name, e.g. {@code InsertIntoDir}, {@code SetCommand}. */
    private static String statementName(LogicalPlan plan) {
        return plan.nodeName();
    }

    static String stripTrailingSemicolons(String sql) {
        String s = sql.strip();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s;
    }
}
