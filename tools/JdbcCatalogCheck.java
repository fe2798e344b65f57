// Browses a `starling serve` warehouse through PostgreSQL's JDBC driver (Debian's
// libpostgresql-jdbc-java), as database tools do: DatabaseMetaData.getTables and getColumns.
// Run by tools/test-server-catalog.py:
//     java -cp /usr/share/java/postgresql.jar:DIR JdbcCatalogCheck PORT TABLE
// Prints `table SCHEMA NAME TYPE` per table or view and `column TABLE NAME TYPE_NAME DATA_TYPE
// COLUMN_SIZE DECIMAL_DIGITS IS_NULLABLE` per column of TABLE.
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;

public class JdbcCatalogCheck {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/starling?sslmode=disable&connectTimeout=5";
        try (Connection connection = DriverManager.getConnection(url, "tester", "")) {
            DatabaseMetaData metadata = connection.getMetaData();
            try (ResultSet tables = metadata.getTables(null, null, "%", new String[] {"TABLE", "VIEW"})) {
                while (tables.next()) {
                    System.out.println("table " + tables.getString("TABLE_SCHEM") + " " + tables.getString("TABLE_NAME")
                        + " " + tables.getString("TABLE_TYPE"));
                }
            }
            try (ResultSet columns = metadata.getColumns(null, null, args[1], "%")) {
                while (columns.next()) {
                    System.out.println("column " + columns.getString("TABLE_NAME") + " "
                        + columns.getString("COLUMN_NAME") + " " + columns.getString("TYPE_NAME") + " "
                        + columns.getInt("DATA_TYPE") + " " + columns.getInt("COLUMN_SIZE") + " "
                        + columns.getInt("DECIMAL_DIGITS") + " " + columns.getString("IS_NULLABLE"));
                }
            }
        }
    }
}
